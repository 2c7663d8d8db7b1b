func benchLoad() throws {
    print("not written yet")
}
