"""Custom actions and form validations (rasa-sdk), run by `rasa run actions` on port 5055.

One module per task the citizen wants done: application status, licence
status, NIK check, finding an MPP / mobile service / kiosk, booking a queue
slot. All of them reach the back office through actions/clients.
"""

from privacy.logging import install_personal_data_filter

# every log line of the action server goes through the NIK/phone masking filter (UU PDP)
install_personal_data_filter()
