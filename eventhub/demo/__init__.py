"""The demo exchange week: realistic data that shows the whole product."""
