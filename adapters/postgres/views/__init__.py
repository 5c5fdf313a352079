"""PostgreSQL materialised views: rows and tracking position written in one transaction."""
