import ArgumentParser
import OneProxyShell

extension OutputFormat: ExpressibleByArgument {}
