"""The sources the rights page rests on (../shared/FACTS.md): every claim on it is traceable to one of them.

Titles stay in English, as published; the page marks them lang="en".
"""

from dataclasses import dataclass


def N_(text: str) -> str:
    """Marks text for `pybabel extract` where it is defined; the page translates it where it is shown."""
    return text


# On the page and the card, translated; on the card, in English too, for the receptionist.
NO_PROOF = N_("You do not need proof of address, ID, immigration status or an NHS number to register.")


@dataclass(frozen=True)
class Source:
    publisher: str
    title: str
    date: str
    url: str | None


SOURCES = (
    Source(
        "NHS England",
        "Patient Registration Standard Operating Principles for Primary Medical Care (General Practice), now part "
        "of the Primary Medical Care Policy and Guidance Manual",
        "November 2015",
        None,
    ),
    Source(
        "UK Parliament",
        "Written question HL9241, answered 18 July 2018",
        "18 July 2018",
        "https://questions-statements.parliament.uk/written-questions/detail/2018-07-04/HL9241/",
    ),
    Source(
        "UK Government",
        "The National Health Service (General Medical Services Contracts) Regulations 2015 (SI 2015/1862), "
        "Schedule 3, Part 2",
        "2015, as amended",
        "https://www.legislation.gov.uk/uksi/2015/1862",
    ),
    Source(
        "British Medical Association",
        "Patient registration",
        "updated 27 January 2022",
        "https://www.bma.org.uk/advice-and-support/gp-practices/managing-your-practice-list/patient-registration",
    ),
    Source(
        "General Medical Council",
        "Confidentiality: good practice in handling patient information",
        "in force 25 April 2017",
        "https://www.gmc-uk.org/professional-standards/the-professional-standards/confidentiality",
    ),
    Source(
        "UK Government",
        "The National Health Service (Charges to Overseas Visitors) Regulations 2015 (SI 2015/238), as amended by "
        "SI 2017/756",
        "2015 and 2017",
        "https://www.legislation.gov.uk/uksi/2017/756",
    ),
    Source(
        "Scottish Parliament",
        "Official Report, 24 October 2018: the Cabinet Secretary on the Scottish Government's guidance on GP "
        "registration",
        "24 October 2018",
        "https://www.theyworkforyou.com/sp/?id=2018-10-24.5.0",
    ),
    Source(
        "NHS Digital, the Home Office and the Department of Health",
        "Memorandum of Understanding on sharing patients' non-clinical details (withdrawn 9 November 2018)",
        "January 2017",
        None,
    ),
    Source(
        "Doctors of the World UK",
        "Safe Surgeries: the principles a Safe Surgery commits to",
        "2018 and 2019",
        None,
    ),
    Source(
        "Welsh Government",
        "Welsh Health Circular WHC/2025/025, Overseas visitors' eligibility to receive free primary care",
        "2025",
        None,
    ),
)
