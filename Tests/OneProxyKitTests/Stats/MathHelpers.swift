import Foundation

func Foundation_log(_ x: Double) -> Double { Foundation.log(x) }
func cos2pi(_ v: Double) -> Double { Foundation.cos(2 * Double.pi * v) }
