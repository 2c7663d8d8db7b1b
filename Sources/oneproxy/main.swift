print("oneproxy")
