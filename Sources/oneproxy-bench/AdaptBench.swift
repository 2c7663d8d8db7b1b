func benchAdapt() throws {
    print("not written yet")
}
