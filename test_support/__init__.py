"""What the tests and the benchmarks share: the real servers on free ports (Rasa, the action server,
the back office, the gateway), local fakes of the Telegram Bot API and the WhatsApp Graph API,
fault-injecting proxies, simulated citizens and agents, seeded databases. Nothing here is a test;
tests/ holds only tests (and their conftest fixtures)."""
