"""The newsletter: readers leave an e-mail address and the language they want the letters in."""
