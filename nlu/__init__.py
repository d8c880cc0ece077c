"""Custom Rasa NLU components for chat Indonesian (normaliser, classifier, extractors)."""
