"""The channels citizens write from: telegram, whatsapp, web. Each turns its updates into
:class:`bot.messages.InboundMessage` and delivers :class:`bot.messages.BotMessage`."""
