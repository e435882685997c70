"""A realistic MIS export for the import tests: good rows and one bad row of each kind."""
from __future__ import annotations

HEADER = ("Child ID,Forename,Surname,DOB,Room,Start date,Leaving date,Notes,Contact ID,Contact forename,"
          "Contact surname,Relationship,Parental responsibility,Email,Mobile,Language,Channels,Priority,"
          "Authorised to collect")
ROWS = [
    # line 2
    "C001,Amara,Okafor,31/01/2023,Rainbow,2024-09-02,,,P001,Ngozi,Okafor,Mother,yes,ngozi@example.org,"
    "07700 900101,English,both,1,yes",
    # line 3: the same child's second contact
    "C001,Amara,Okafor,31/01/2023,Rainbow,2024-09-02,,,P002,Tomasz,Nowak,Stepfather,n,tomasz@example.org,"
    "07700900102,Polski,sms,2,no",
    # lines 4-5: a sibling with the same contact; a note spread over two lines
    'C002,Kacper,Nowak,2022-06-15,Sunshine,,,"Allergic to nuts\nEpiPen in the office",P002,Tomasz,Nowak,'
    "Father,1,tomasz@example.org,07700900102,Polski,sms,1,true",
    # line 6: a child with no contact
    "C003,Leo,Brown,05/03/2023,Rainbow,,,,,,,,,,,,,,",
    # line 7: unknown room
    "C004,Maya,Patel,12/12/2022,Moon,,,,P004,Priya,Patel,Mother,yes,priya@example.org,07700900104,Gujarati,,,",
    # line 8: bad email
    "C005,Noah,Green,01/02/2023,Sunshine,,,,P005,Sam,Green,Parent,yes,not-an-email,07700900105,en,,,",
    # line 9: bad phone
    "C006,Olivia,White,02/02/2023,Sunshine,,,,P006,Jo,White,Parent,yes,jo@example.org,12345,en,,,",
    # line 10: missing name
    "C007,,Black,03/02/2023,Rainbow,,,,,,,,,,,,,,",
    # line 11: the same pair as line 2
    "C001,Amara,Okafor,31/01/2023,Rainbow,2024-09-02,,,P001,Ngozi,Okafor,Mother,yes,ngozi@example.org,"
    "07700 900101,English,both,1,yes",
]
BAD_LINES = {7: "unknown room", 8: "Email", 9: "Mobile", 10: "Missing name", 11: "Duplicate"}


def realistic_csv(rows: list[str] | None = None, newline: str = "\r\n") -> bytes:
    """The file as an MIS writes it (UTF-8, CRLF)."""
    return newline.join([HEADER, *(rows if rows is not None else ROWS)]).encode("utf-8") + newline.encode()


def rooms_for(make, setting):
    """The rooms the file refers to (all but "Moon")."""
    return {name: make.room(setting, name) for name in ("Rainbow", "Sunshine")}
