package broker

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"syscall"
)

// ErrAddrInUse is wrapped by [Start]'s error when the listen port is taken.
var ErrAddrInUse = errors.New("address already in use")

// listen binds addr and wraps the listener so that kfake advertises
// advertised, which kfake reads back from the listener's Addr.
func listen(addr, advertised string) (net.Listener, string, error) {
	if _, _, err := splitHostPort(addr); err != nil {
		return nil, "", &OptionError{"listen address", err}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, "", fmt.Errorf("cannot listen on %s: %w: is another broker running? Stop it, or choose another address (port 0 picks a free one)", addr, ErrAddrInUse)
		}
		return nil, "", fmt.Errorf("cannot listen on %s: %w", addr, err)
	}
	adv, err := advertise(advertised, ln.Addr().(*net.TCPAddr))
	if err != nil {
		ln.Close()
		return nil, "", err
	}
	return &advertisedListener{Listener: ln, addr: tcpHostPort(adv)}, adv, nil
}

// advertise decides the host:port clients are told to use: the advertised
// option when given (port 0 meaning the bound port), else the bound address
// with an unspecified host (0.0.0.0, ::) replaced by 127.0.0.1.
func advertise(advertised string, bound *net.TCPAddr) (string, error) {
	host, port := bound.IP.String(), bound.Port
	if bound.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	if advertised != "" {
		h, p, err := splitHostPort(advertised)
		if err != nil {
			return "", &OptionError{"advertised address", err}
		}
		if h != "" {
			host = h
		}
		if p != 0 {
			port = p
		}
	}
	return net.JoinHostPort(host, strconv.Itoa(port)), nil
}

func splitHostPort(addr string) (string, int, error) {
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, fmt.Errorf("%q: want host:port, e.g. 127.0.0.1:9092", addr)
	}
	port, err := strconv.ParseUint(portText, 10, 16)
	if err != nil {
		return "", 0, fmt.Errorf("%q: port %q is not a number from 0 to 65535", addr, portText)
	}
	return host, int(port), nil
}

// advertisedListener reports the advertised address as its own: kfake puts
// its listener's Addr into metadata responses, so this is how a broker that
// listens on one address tells clients to use another.
type advertisedListener struct {
	net.Listener
	addr net.Addr
}

func (l *advertisedListener) Addr() net.Addr { return l.addr }

type tcpHostPort string

func (a tcpHostPort) Network() string { return "tcp" }
func (a tcpHostPort) String() string  { return string(a) }
