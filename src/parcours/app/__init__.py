"""What every front end needs: the pathway client, referral, retries, rebuild."""
