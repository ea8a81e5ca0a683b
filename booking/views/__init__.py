"""View pieces several blueprints share, so no blueprint imports another.

times.py          the days and free times a client or the desk picks from
contact.py        contact fields (email, phone, a carer's) and the details they make
fields.py         a tidied line or note, required or optional, with its length limit
questionnaire.py  the intake questionnaire's pages as forms, with the words clients read
answers.py        a client's answers in those same words, for the therapist
"""
