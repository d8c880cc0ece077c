"""The channel gateway: Telegram, WhatsApp and the web chat in, Rasa behind, one transcript store."""
