"""Pledges: the form, the e-mailed confirmation and withdrawal links, listings and retention."""

from .models import Listing, Pledge, PledgeStatus, RejectionReason

__all__ = ["Listing", "Pledge", "PledgeStatus", "RejectionReason"]
