"""Loading case files: YAML reading, validation, vocabulary extension, text normalisation, evidence."""

from lianjian.loaders.cases import Corpus, load_corpus

__all__ = ["Corpus", "load_corpus"]
