"""The maintainers' retraining loop: inbox, labels, merge, the mpp-nlu command."""
