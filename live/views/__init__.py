"""How state looks to the outside: JSON shapes of the public API and the HTML live regions."""
