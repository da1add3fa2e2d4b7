//! `domain-name`, `ipv4-addr`, `ipv6-addr`, `mac-addr`, `url`,
//! `network-traffic` and its extensions (§6.4, §6.8–§6.10, §6.12, §6.15).

use super::{Row, rows};
use crate::kit::*;

const DOMAIN_NAME: &str = r#"{
    "type": "domain-name",
    "spec_version": "2.1",
    "id": "domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7",
    "value": "example.com",
    "resolves_to_refs": [
        "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4",
        "ipv6-addr--85a85a8c-ee99-5722-946d-3c3a3270fc6f",
        "domain-name--2ba8b5a1-8e2f-4c1d-9a3e-5f1c0b7d4e21"
    ]
}"#;

#[test]
fn domain_name() {
    #[rustfmt::skip]
    let table: &[Row<'_>] = &[
        (&[Remove("value")], &["E value required-property"]),
        (&[Set("value", r#""mail.example.co.uk.""#)], &[]),
        (&[Set("value", r#""xn--mnchen-3ya.example""#)], &[]),
        (&[Set("value", r#""münchen.example""#)], &[]),
        (&[Set("value", r#""_dmarc.example.com""#)], &[]),
        (&[Set("value", r#""example..com""#)], &["E value format"]),
        (&[Set("value", r#""-bad.example.com""#)], &["E value format"]),
        (&[Set("value", r#""exa mple.com""#)], &["E value format"]),
        (&[Set("value", r#""http://example.com/""#)], &["E value format"]),
        (&[Set("value", r#""198.51.100.3""#)], &["E value format"]),
        (&[Set("value", r#""aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example""#)], &["E value format"]),
        (&[Set("resolves_to_refs", r#"["url--47c3cf9a-5027-5bf0-997a-017c7edc7c55"]"#)], &["E resolves_to_refs[0] reference-type"]),
        (&[Set("resolves_to_refs", r#"["mac-addr--757b1725-9903-54f5-a855-1240691d7659"]"#)], &["E resolves_to_refs[0] reference-type"]),
    ];
    rows(DOMAIN_NAME, &["value"], table);
}

const IPV4_ADDR: &str = r#"{
    "type": "ipv4-addr",
    "spec_version": "2.1",
    "id": "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4",
    "value": "198.51.100.3",
    "resolves_to_refs": ["mac-addr--757b1725-9903-54f5-a855-1240691d7659"],
    "belongs_to_refs": ["autonomous-system--3aa27478-50b5-5ab8-9da9-cdc12b657fff"]
}"#;

#[test]
fn ipv4_addr() {
    #[rustfmt::skip]
    let table: &[Row<'_>] = &[
        (&[Remove("value")], &["E value required-property"]),
        (&[Set("value", r#""10.2.4.5/24""#)], &[]),
        (&[Set("value", r#""0.0.0.0/0""#)], &[]),
        (&[Set("value", r#""198.51.100.256""#)], &["E value format"]),
        (&[Set("value", r#""198.51.100.3/33""#)], &["E value format"]),
        (&[Set("value", r#""198.051.100.3""#)], &["E value format"]),
        (&[Set("value", r#""2001:db8::1""#)], &["E value format"]),
        (&[Set("value", "3325256707")], &["E value json-type"]),
        (&[Set("resolves_to_refs", r#"["domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7"]"#)], &["E resolves_to_refs[0] reference-type"]),
        (&[Set("belongs_to_refs", r#"["identity--311b2d2d-f010-4473-83ec-1edf84858f4c"]"#)], &["E belongs_to_refs[0] reference-type"]),
    ];
    rows(IPV4_ADDR, &["value"], table);
}

const IPV6_ADDR: &str = r#"{
    "type": "ipv6-addr",
    "spec_version": "2.1",
    "id": "ipv6-addr--85a85a8c-ee99-5722-946d-3c3a3270fc6f",
    "value": "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
    "resolves_to_refs": ["mac-addr--757b1725-9903-54f5-a855-1240691d7659"],
    "belongs_to_refs": ["autonomous-system--3aa27478-50b5-5ab8-9da9-cdc12b657fff"]
}"#;

#[test]
fn ipv6_addr() {
    #[rustfmt::skip]
    let table: &[Row<'_>] = &[
        (&[Remove("value")], &["E value required-property"]),
        (&[Set("value", r#""2001:db8::/32""#)], &[]),
        (&[Set("value", r#""::""#)], &[]),
        (&[Set("value", r#""::ffff:198.51.100.3""#)], &[]),
        (&[Set("value", r#""2001:db8::1/128""#)], &[]),
        (&[Set("value", r#""2001:db8::1/129""#)], &["E value format"]),
        (&[Set("value", r#""2001:db8::1::2""#)], &["E value format"]),
        (&[Set("value", r#""2001:db8:0:0:0:0:0:0:1""#)], &["E value format"]),
        (&[Set("value", r#""fe80::1%eth0""#)], &["E value format"]),
        (&[Set("value", r#""198.51.100.3""#)], &["E value format"]),
        (&[Set("resolves_to_refs", r#"["ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4"]"#)], &["E resolves_to_refs[0] reference-type"]),
        (&[Set("belongs_to_refs", r#"["mac-addr--757b1725-9903-54f5-a855-1240691d7659"]"#)], &["E belongs_to_refs[0] reference-type"]),
    ];
    rows(IPV6_ADDR, &["value"], table);
}

const MAC_ADDR: &str = r#"{
    "type": "mac-addr",
    "spec_version": "2.1",
    "id": "mac-addr--757b1725-9903-54f5-a855-1240691d7659",
    "value": "d2:fb:49:24:37:18"
}"#;

#[test]
fn mac_addr() {
    #[rustfmt::skip]
    let table: &[Row<'_>] = &[
        (&[Remove("value")], &["E value required-property"]),
        (&[Set("value", r#""00:00:ab:cd:ef:01""#)], &[]),
        (&[Set("value", r#""D2:FB:49:24:37:18""#)], &["E value format"]),
        (&[Set("value", r#""d2-fb-49-24-37-18""#)], &["E value format"]),
        (&[Set("value", r#""0:0:ab:cd:ef:1""#)], &["E value format"]),
        (&[Set("value", r#""d2:fb:49:24:37:18:00:01""#)], &["E value format"]),
    ];
    rows(MAC_ADDR, &["value"], table);
}

const URL: &str = r#"{
    "type": "url",
    "spec_version": "2.1",
    "id": "url--47c3cf9a-5027-5bf0-997a-017c7edc7c55",
    "value": "https://example.com/research/index.html"
}"#;

#[test]
fn url() {
    #[rustfmt::skip]
    let table: &[Row<'_>] = &[
        (&[Remove("value")], &["E value required-property"]),
        (&[Set("value", r#""hxxp://198.51.100.3:8080/gate.php?id=5""#)], &[]),
        (&[Set("value", r#""ftp://files.example.org/pub/a%20b.zip""#)], &[]),
        (&[Set("value", r#""example.com/research/index.html""#)], &["E value format"]),
        (&[Set("value", r#""https://example.com/research index.html""#)], &["E value format"]),
        (&[Set("value", r#""https://example.com/100%""#)], &["E value format"]),
        (&[Set("value", r#""https:///index.html""#)], &["E value format"]),
        (&[Set("value", r#""1https://example.com/""#)], &["E value format"]),
    ];
    rows(URL, &["value"], table);
}

const NETWORK_TRAFFIC: &str = r#"{
    "type": "network-traffic",
    "spec_version": "2.1",
    "id": "network-traffic--47700fbf-5363-5f97-a5a9-145e440c81f6",
    "start": "2021-03-01T10:00:00Z",
    "end": "2021-03-01T10:00:05.250Z",
    "is_active": false,
    "src_ref": "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4",
    "dst_ref": "domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7",
    "src_port": 49152,
    "dst_port": 443,
    "protocols": ["ipv4", "tcp", "ssl", "https"],
    "src_byte_count": 147600,
    "dst_byte_count": 0,
    "src_packets": 100,
    "dst_packets": 0,
    "ipfix": {"minimumIpTotalLength": 32, "maximumIpTotalLength": 2556, "ipClassOfService": "0x00"},
    "src_payload_ref": "artifact--6f437177-6e48-5cf8-9d9e-872a2bddd641",
    "encapsulated_by_ref": "network-traffic--c9361847-2b4b-5400-8b25-bbd72608abf8"
}"#;

const NETWORK_TRAFFIC_IDC: &[&str] = &[
    "start",
    "end",
    "src_ref",
    "dst_ref",
    "src_port",
    "dst_port",
    "protocols",
    "extensions",
];

#[test]
fn network_traffic() {
    #[rustfmt::skip]
    let table: &[Row<'_>] = &[
        (&[Remove("protocols")], &["E protocols required-property"]),
        (&[Set("protocols", "[]")], &["E protocols empty-value"]),
        (&[Set("protocols", r#"["IPv4", "TCP"]"#)], &["W protocols[0] protocols", "W protocols[1] protocols"]),
        (&[Remove("src_ref")], &[]),
        (&[Remove("dst_ref")], &[]),
        (&[Remove("src_ref"), Remove("dst_ref")], &["E  at-least-one-of"]),
        (&[Set("src_ref", r#""url--47c3cf9a-5027-5bf0-997a-017c7edc7c55""#)], &["E src_ref reference-type"]),
        (&[Set("dst_ref", r#""mac-addr--757b1725-9903-54f5-a855-1240691d7659""#)], &[]),
        (&[Set("dst_ref", r#""x-acme-host--2ba8b5a1-8e2f-4c1d-9a3e-5f1c0b7d4e21""#)], &["E dst_ref reference-type"]),
        (&[Set("src_port", "65536")], &["E src_port out-of-range"]),
        (&[Set("dst_port", "-1")], &["E dst_port out-of-range"]),
        (&[Set("dst_port", "0")], &[]),
        (&[Remove("src_port")], &["W src_port network-traffic-ports"]),
        (&[Remove("src_port"), Remove("dst_port")], &["W src_port network-traffic-ports", "W dst_port network-traffic-ports"]),
        (&[Set("src_byte_count", "-1")], &["E src_byte_count out-of-range"]),
        (&[Set("dst_byte_count", "-1")], &["E dst_byte_count out-of-range"]),
        (&[Set("src_packets", "-1")], &["E src_packets out-of-range"]),
        (&[Set("dst_packets", "2.5")], &["E dst_packets json-type"]),
        (&[Set("end", r#""2021-03-01T09:59:59Z""#)], &["E end timestamp-order"]),
        (&[Set("end", r#""2021-03-01T10:00:00.000Z""#)], &[]),
        (&[Set("is_active", "true")], &["E end mutually-exclusive"]),
        (&[Set("is_active", "true"), Remove("end")], &[]),
        (&[Set("ipfix", r#"{"octetDeltaCount": 1.5}"#)], &["E ipfix.octetDeltaCount json-type"]),
        (&[Set("ipfix", r#"{"flags": ["a"]}"#)], &["E ipfix.flags json-type"]),
        (&[Set("ipfix", r#"{"Octet_Count": 12}"#)], &["W ipfix.Octet_Count ipfix"]),
        (&[Set("ipfix", "{}")], &["E ipfix empty-value"]),
        (&[Set("src_payload_ref", r#""file--41582d78-96c3-56dc-875e-e5227324267b""#)], &["E src_payload_ref reference-type"]),
        (&[Set("dst_payload_ref", r#""file--41582d78-96c3-56dc-875e-e5227324267b""#)], &["E dst_payload_ref reference-type"]),
        (&[Set("encapsulates_refs", r#"["network-traffic--c9361847-2b4b-5400-8b25-bbd72608abf8"]"#)], &[]),
        (&[Set("encapsulates_refs", r#"["ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4"]"#)], &["E encapsulates_refs[0] reference-type"]),
        (&[Set("encapsulated_by_ref", r#""artifact--6f437177-6e48-5cf8-9d9e-872a2bddd641""#)], &["E encapsulated_by_ref reference-type"]),
        (&[Set("extensions", r#"{"unix-account-ext":{"gid":1}}"#)], &["E extensions.unix-account-ext extension"]),
    ];
    rows(NETWORK_TRAFFIC, NETWORK_TRAFFIC_IDC, table);
}

/// Network traffic with the four network-traffic extensions.
const NETWORK_TRAFFIC_WITH_EXTENSIONS: &str = r#"{
    "type": "network-traffic",
    "spec_version": "2.1",
    "id": "network-traffic--73ce2257-d15a-51a8-bb54-657b3e7f5fca",
    "src_ref": "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4",
    "dst_ref": "domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7",
    "src_port": 49152,
    "dst_port": 80,
    "protocols": ["ipv4", "icmp", "tcp", "http"],
    "extensions": {
        "http-request-ext": {
            "request_method": "get",
            "request_value": "/download.html",
            "request_version": "http/1.1",
            "request_header": {
                "Accept-Encoding": ["gzip,deflate"],
                "User-Agent": ["Mozilla/5.0 (Windows; U; Windows NT 5.1; en-US; rv:1.6) Gecko/20040113"],
                "Host": ["www.example.com"]
            },
            "message_body_length": 0,
            "message_body_data_ref": "artifact--6f437177-6e48-5cf8-9d9e-872a2bddd641"
        },
        "icmp-ext": {"icmp_type_hex": "08", "icmp_code_hex": "00"},
        "socket-ext": {
            "address_family": "AF_INET",
            "socket_type": "SOCK_STREAM",
            "is_blocking": false,
            "is_listening": true,
            "options": {"SO_ACCEPTCONN": 1, "SO_RCVTIMEO": 5000, "TCP_NODELAY": 1},
            "socket_descriptor": 3,
            "socket_handle": 41352
        },
        "tcp-ext": {"src_flags_hex": "00000002", "dst_flags_hex": "00000012"}
    }
}"#;

#[test]
fn network_traffic_extensions() {
    #[rustfmt::skip]
    let table: &[Row<'_>] = &[
        // http-request-ext (§6.12.2)
        (&[Remove("extensions.http-request-ext.request_method")], &["E extensions.http-request-ext.request_method required-property"]),
        (&[Remove("extensions.http-request-ext.request_value")], &["E extensions.http-request-ext.request_value required-property"]),
        (&[Set("extensions.http-request-ext.request_method", r#""GET""#)], &["W extensions.http-request-ext.request_method format"]),
        (&[Set("extensions.http-request-ext.request_version", r#""HTTP/1.1""#)], &["W extensions.http-request-ext.request_version format"]),
        (&[Set("extensions.http-request-ext.request_header", r#"{"Host": "www.example.com"}"#)], &["E extensions.http-request-ext.request_header.Host json-type"]),
        (&[Set("extensions.http-request-ext.message_body_data_ref", r#""file--41582d78-96c3-56dc-875e-e5227324267b""#)], &["E extensions.http-request-ext.message_body_data_ref reference-type"]),
        (&[Set("protocols", r#"["ipv4", "icmp", "tcp", "https"]"#)], &[]),
        (&[Set("protocols", r#"["ipv4", "icmp", "tcp"]"#)], &["W protocols protocols"]),
        // icmp-ext (§6.12.3)
        (&[Remove("extensions.icmp-ext.icmp_code_hex")], &["E extensions.icmp-ext.icmp_code_hex required-property"]),
        (&[Remove("extensions.icmp-ext.icmp_type_hex")], &["E extensions.icmp-ext.icmp_type_hex required-property"]),
        (&[Set("extensions.icmp-ext.icmp_type_hex", "8")], &["E extensions.icmp-ext.icmp_type_hex json-type"]),
        (&[Set("protocols", r#"["ipv4", "tcp", "http"]"#)], &["W protocols protocols"]),
        // socket-ext (§6.12.4)
        (&[Remove("extensions.socket-ext.address_family")], &["E extensions.socket-ext.address_family required-property"]),
        (&[Set("extensions.socket-ext.address_family", r#""AF_UNIX""#)], &["E extensions.socket-ext.address_family enum-value"]),
        (&[Set("extensions.socket-ext.socket_type", r#""SOCK_PACKET""#)], &["E extensions.socket-ext.socket_type enum-value"]),
        (&[Set("extensions.socket-ext.options", r#"{"SO_LINGER": "on"}"#)], &["E extensions.socket-ext.options.SO_LINGER json-type"]),
        (&[Set("extensions.socket-ext.options", r#"{"acceptconn": 1}"#)], &["W extensions.socket-ext.options.acceptconn socket-options"]),
        (&[Set("extensions.socket-ext.socket_descriptor", "-1")], &["E extensions.socket-ext.socket_descriptor out-of-range"]),
        (&[Set("extensions.socket-ext.socket_handle", "-1")], &[]),
        (&[Set("extensions.socket-ext.is_listening", "1")], &["E extensions.socket-ext.is_listening json-type"]),
        // tcp-ext (§6.12.5)
        (&[Set("extensions.tcp-ext", "{}")], &["E extensions.tcp-ext at-least-one-of"]),
        (&[Remove("extensions.tcp-ext.src_flags_hex")], &[]),
        (&[Set("extensions.tcp-ext.src_flags_hex", r#""SYN""#)], &["E extensions.tcp-ext.src_flags_hex format"]),
        (&[Set("protocols", r#"["ipv4", "icmp", "udp", "http"]"#)], &["W protocols protocols"]),
    ];
    rows(NETWORK_TRAFFIC_WITH_EXTENSIONS, NETWORK_TRAFFIC_IDC, table);
}
