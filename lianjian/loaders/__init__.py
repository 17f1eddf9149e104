"""Loading case files: YAML reading, validation, vocabulary extension, text normalisation, evidence."""

from lianjian.loaders.corpus import Corpus

from lianjian.loaders.linker import load_corpus

__all__ = ["Corpus", "load_corpus"]
