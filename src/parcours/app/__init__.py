"""What every front end needs: the pathway client, referral, notification retries, queries."""
