//! Which client a request comes from when the server sits behind a reverse proxy. Only a
//! socket peer listed in `trusted_proxies` may name the client in `X-Forwarded-For`; anyone
//! else could forge it to escape the rate limits or blame another address in the audit log.

use std::net::IpAddr;

/// The addresses and networks (CIDR) allowed to set `X-Forwarded-For`; empty by default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<(IpAddr, u8)>);

impl TrustedProxies {
    /// Parses `10.0.0.1`, `10.0.0.0/8`, `::1`, `fd00::/8`; the first bad entry is the error.
    pub fn parse<S: AsRef<str>>(list: &[S]) -> Result<Self, String> {
        list.iter()
            .map(|raw| {
                let raw = raw.as_ref().trim();
                let (ip, len) = raw.split_once('/').unwrap_or((raw, ""));
                let ip: IpAddr = ip
                    .parse()
                    .map_err(|_| format!("trusted_proxies: {raw:?} is not an IP address"))?;
                let max = if ip.is_ipv4() { 32 } else { 128 };
                let len = match len {
                    "" => max,
                    l => l
                        .parse::<u8>()
                        .ok()
                        .filter(|l| *l <= max)
                        .ok_or_else(|| format!("trusted_proxies: bad prefix in {raw:?}"))?,
                };
                Ok((ip, len))
            })
            .collect::<Result<_, _>>()
            .map(Self)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|(net, len)| match (canonical(*net), ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => prefix_eq(&n.octets(), &a.octets(), *len),
            (IpAddr::V6(n), IpAddr::V6(a)) => prefix_eq(&n.octets(), &a.octets(), *len),
            _ => false,
        })
    }

    /// The client: the peer itself unless it is trusted; then the right-most address of
    /// `X-Forwarded-For` that is not a trusted proxy (each proxy appends the address it saw).
    pub fn client(&self, peer: IpAddr, forwarded_for: &[&str]) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let hops = forwarded_for
            .iter()
            .flat_map(|h| h.split(','))
            .map(str::trim)
            .collect::<Vec<_>>();
        let mut client = peer;
        for hop in hops.iter().rev() {
            let Ok(ip) = hop.parse::<IpAddr>() else {
                // Garbage from beyond the trusted proxies: stop at what is known.
                break;
            };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        client
    }
}

/// An IPv4 address mapped into IPv6 (`::ffff:10.0.0.1`) is that IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn prefix_eq(a: &[u8], b: &[u8], len: u8) -> bool {
    let full = usize::from(len / 8);
    let rest = len % 8;
    a[..full] == b[..full]
        && (rest == 0 || {
            let mask = 0xffu8 << (8 - rest);
            a[full] & mask == b[full] & mask
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn only_a_trusted_peer_names_the_client() {
        let none = TrustedProxies::default();
        assert_eq!(none.client(ip("1.2.3.4"), &["9.9.9.9"]), ip("1.2.3.4"));
        let t = TrustedProxies::parse(&["10.0.0.0/8", "::1"]).unwrap();
        assert_eq!(t.client(ip("1.2.3.4"), &["9.9.9.9"]), ip("1.2.3.4"));
        assert_eq!(t.client(ip("10.1.2.3"), &["9.9.9.9"]), ip("9.9.9.9"));
        // A forged left part is ignored: the right-most untrusted hop wins.
        assert_eq!(
            t.client(ip("10.1.2.3"), &["6.6.6.6, 9.9.9.9, 10.0.0.7"]),
            ip("9.9.9.9")
        );
        assert_eq!(t.client(ip("::1"), &["6.6.6.6", "9.9.9.9"]), ip("9.9.9.9"));
        assert_eq!(t.client(ip("10.1.2.3"), &[]), ip("10.1.2.3"));
        assert_eq!(t.client(ip("10.1.2.3"), &["junk"]), ip("10.1.2.3"));
        assert_eq!(t.client(ip("::ffff:10.0.0.1"), &["9.9.9.9"]), ip("9.9.9.9"));
    }

    #[test]
    fn bad_entries_are_refused() {
        assert!(TrustedProxies::parse(&["10.0.0.0/33"]).is_err());
        assert!(TrustedProxies::parse(&["proxy.local"]).is_err());
        assert!(TrustedProxies::parse(&["10.0.0.0/12"])
            .unwrap()
            .trusts(ip("10.15.0.1")));
        assert!(!TrustedProxies::parse(&["10.0.0.0/12"])
            .unwrap()
            .trusts(ip("10.16.0.1")));
    }
}
