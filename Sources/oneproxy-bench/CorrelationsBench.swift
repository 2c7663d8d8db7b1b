func benchCorrelations() throws {
    print("not written yet")
}
