"""Human handoff: queue, agents, resolution and the citizen's rating (states in bot/store/handoff.py)."""
