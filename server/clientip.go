package server

import (
	"net"

	"github.com/labstack/echo/v4"
)

// ipExtractor decides the client address that per-address limits and logs use. Without
// trusted proxies it is the connection's peer, so a client cannot pick its own address with
// X-Forwarded-For; behind proxies, X-Forwarded-For is read from the right, believing only
// hops inside the trusted networks.
func ipExtractor(trusted []*net.IPNet) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}
