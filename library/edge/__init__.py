"""An HTTP cache in front of the app (issue 16): the surrogate keys reader responses carry, and the
purge that drops exactly those keys after every content commit."""
