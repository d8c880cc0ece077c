"""Extensions of the Rasa server's dialogue side (tracker store)."""
