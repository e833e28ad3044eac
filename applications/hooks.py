"""Dashboard panels, nav links, reminder sweepers and demo seeder of the intake stage."""
