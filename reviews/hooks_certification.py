"""Dashboard panels, nav links, reminder sweepers, signal receivers and demo seeder of this stage."""
