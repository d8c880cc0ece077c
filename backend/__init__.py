"""The back-office API: a stand-in for Dukcapil SIAK, SATUSEHAT SDMK and the MPP queue system.

Run it with ``python -m backend`` (see ``backend/__main__.py`` for the commands).
"""
