"""Open data: published initiatives as Open Referral HSDS 3, recorded grants as 360Giving."""
