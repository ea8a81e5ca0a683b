"""The intake questionnaire, the therapist's review of held intakes, and the screening list."""
