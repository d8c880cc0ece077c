"""The maintainers' retraining loop (`mpp-nlu`): from transcripts to a better model, safely."""
