"""Home-learning ("home link") activities: a library by EYFS area and age band, a weekly digest for a room,
and "We tried it" from parents."""
