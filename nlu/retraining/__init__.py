"""The maintainers' retraining loop (issue 6): from what citizens really wrote to labelled training data.

``mpp-nlu`` (:mod:`nlu.retraining.cli`) drives it: ``inbox`` finds and groups the messages the
assistant did not understand, ``annotate`` labels the groups, ``merge`` writes the labelled
examples into ``data/nlu`` as an ordinary diff. Nothing here is imported by the Rasa pipeline.
"""
