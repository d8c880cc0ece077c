"""The gateway's database: contacts, channel identities, conversations, messages, link codes."""
