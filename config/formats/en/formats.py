"""How dates read wherever Django formats one without being told how: admin list columns,
read-only fields and `|date` with no argument. The public pages write "5 Dec 2026" and
"5 Dec 2026, 14:30"; Django's English formats ("Dec. 5, 2026", "2:30 p.m.") made the admin
read differently. Inputs are untouched: an editor still types, and sees, 2026-12-05."""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "M Y"
