//! Behind a load balancer every request arrives from the balancer's address,
//! so rate limits would count everyone together and the audit trail would
//! name the balancer. With `TRUSTED_PROXIES` set, a request whose peer is one
//! of them is taken to come from the address `X-Forwarded-For` names: the
//! rightmost one that is not itself a trusted proxy (what a client writes
//! further left cannot be told from the truth). Everything that asks for the
//! caller's address (`ConnectInfo`) then sees that one.

use axum::extract::{ConnectInfo, Request};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// The address a request comes from, given its peer and its headers.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut client = peer;
    // Every X-Forwarded-For header, as one list, read from the right.
    let named: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    for entry in named.iter().rev() {
        let Ok(ip) = entry.trim().parse::<IpAddr>() else {
            break;
        };
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    client
}

/// Middleware: puts the client's address in place of a trusted proxy's.
pub async fn from_trusted_proxies(trusted: Arc<[IpNet]>, mut request: Request, next: Next) -> Response {
    if let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>().copied() {
        let client = client_address(peer.ip(), request.headers(), &trusted);
        if client != peer.ip() {
            request
                .extensions_mut()
                .insert(ConnectInfo(SocketAddr::new(client, peer.port())));
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn trusts_the_header_only_from_a_trusted_peer() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap(), "127.0.0.1/32".parse().unwrap()];
        let h = headers(&["203.0.113.7"]);
        assert_eq!(client_address(ip("10.1.2.3"), &h, &trusted), ip("203.0.113.7"));
        assert_eq!(client_address(ip("198.51.100.1"), &h, &trusted), ip("198.51.100.1"));
        assert_eq!(client_address(ip("10.1.2.3"), &HeaderMap::new(), &[]), ip("10.1.2.3"));
    }

    #[test]
    fn takes_the_rightmost_untrusted_address() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        // A client that writes its own header cannot choose its address.
        let h = headers(&["1.2.3.4, 203.0.113.7, 10.0.0.2"]);
        assert_eq!(client_address(ip("10.0.0.1"), &h, &trusted), ip("203.0.113.7"));
        // Several headers are one list; IPv6 too.
        let h = headers(&["1.2.3.4", "2001:db8::1"]);
        assert_eq!(client_address(ip("10.0.0.1"), &h, &trusted), ip("2001:db8::1"));
        // A garbled entry ends the walk at what was trusted so far.
        let h = headers(&["203.0.113.7, junk, 10.0.0.3"]);
        assert_eq!(client_address(ip("10.0.0.1"), &h, &trusted), ip("10.0.0.3"));
    }
}
