"""The portfolio optimizer: a mixed-integer program over the cost model, solved by HiGHS."""
