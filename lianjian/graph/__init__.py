"""The knowledge graph, its property-graph projection, analytics and views."""

from lianjian.graph.knowledge import ENGINES, EXPORT_FORMATS, KnowledgeGraph

__all__ = ["KnowledgeGraph", "ENGINES", "EXPORT_FORMATS"]
