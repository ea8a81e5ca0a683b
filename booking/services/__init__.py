"""Services: load data, call the domain, own the transaction. One folder per feature:

booking/    make, change and cancel bookings; free times; the desk's changes; CSV export
intake/     the questionnaire, the therapist's reviews, the screening list
clients/    a client's record for each role, finding clients, session notes
messaging/  the outbox, what each change queues, replies, phone calls, calendar feeds
staff/      staff accounts and sessions, the audit trail
practice/   settings, opening hours and closures, the services offered
schedule/   the diary, the coming fortnight, the therapist's day
privacy/    new encryption keys, keeping times
health.py, demo.py  is the app able to work; a demo practice to try it
"""
