"""Design and price: total cost of ownership of sourcing plans, and its Monte Carlo risk."""
