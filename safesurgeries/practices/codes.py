"""The shapes the NHS directory gives practices: ODS codes and the prescribing setting of a GP practice."""

import re

ODS_CODE = re.compile(r"[A-Z][0-9]{5}")  # a GP practice's ODS code: a letter and five digits
GP_PRACTICE_SETTING = 4  # epraccur's prescribing setting for a GP practice
