"""Select partners: criteria, weights, MCDA methods, sensitivity and bids."""
