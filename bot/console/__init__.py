"""The call-centre agent console: login, live queue, transcripts, replies (served by the gateway)."""
