from rhetoric_shift.cli import run

run()
