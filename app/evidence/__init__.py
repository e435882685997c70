"""The PICO's view: reach, the engagement ledger, families not reached, actions and the evidence pack."""
