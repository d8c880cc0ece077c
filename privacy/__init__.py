"""Masking personal data (UU 27/2022 Pelindungan Data Pribadi) in texts and logs."""

from privacy.logging import PersonalDataFilter, install_personal_data_filter
from privacy.masking import mask_email, mask_nik, mask_personal_data, mask_phone

__all__ = [
    "PersonalDataFilter",
    "install_personal_data_filter",
    "mask_email",
    "mask_nik",
    "mask_personal_data",
    "mask_phone",
]
