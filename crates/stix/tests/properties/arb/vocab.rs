//! Open vocabularies and enumerations of STIX 2.1 §10, as far as the
//! generators use them, written from the specification (values outside
//! an open vocabulary are generated too; see `leaf::ov`).

pub const MOTIVATION: &[&str] = &[
    "accidental",
    "coercion",
    "dominance",
    "ideology",
    "notoriety",
    "organizational-gain",
    "personal-gain",
    "personal-satisfaction",
    "revenge",
    "unpredictable",
];
pub const RESOURCE_LEVEL: &[&str] = &[
    "individual",
    "club",
    "contest",
    "team",
    "organization",
    "government",
];
pub const GROUPING_CONTEXT: &[&str] = &["suspicious-activity", "malware-analysis", "unspecified"];
pub const IDENTITY_CLASS: &[&str] = &[
    "individual",
    "group",
    "system",
    "organization",
    "class",
    "unknown",
];
pub const IMPLEMENTATION_LANGUAGE: &[&str] = &[
    "applescript",
    "bash",
    "c",
    "c++",
    "c#",
    "go",
    "java",
    "javascript",
    "powershell",
    "python",
    "x86-64",
];
pub const INDICATOR_TYPE: &[&str] = &[
    "anomalous-activity",
    "anonymization",
    "benign",
    "compromised",
    "malicious-activity",
    "attribution",
    "unknown",
];
pub const SECTOR: &[&str] = &[
    "agriculture",
    "aerospace",
    "defense",
    "energy",
    "financial-services",
    "government-national",
    "healthcare",
    "telecommunications",
    "utilities",
];
pub const INFRASTRUCTURE_TYPE: &[&str] = &[
    "amplification",
    "anonymization",
    "botnet",
    "command-and-control",
    "exfiltration",
    "hosting-malware",
    "hosting-target-lists",
    "phishing",
    "reconnaissance",
    "staging",
    "unknown",
];
pub const MALWARE_CAPABILITIES: &[&str] = &[
    "accesses-remote-machines",
    "anti-debugging",
    "anti-sandbox",
    "captures-input-peripherals",
    "communicates-with-c2",
    "evades-av",
    "exfiltrates-data",
    "persists-after-system-reboot",
    "steals-authentication-credentials",
];
pub const MALWARE_RESULT: &[&str] = &["malicious", "suspicious", "benign", "unknown"];
pub const MALWARE_TYPE: &[&str] = &[
    "adware",
    "backdoor",
    "bot",
    "bootkit",
    "ddos",
    "downloader",
    "dropper",
    "exploit-kit",
    "keylogger",
    "ransomware",
    "remote-access-trojan",
    "rootkit",
    "spyware",
    "trojan",
    "unknown",
    "virus",
    "webshell",
    "wiper",
    "worm",
];
pub const OPINION: &[&str] = &[
    "strongly-disagree",
    "disagree",
    "neutral",
    "agree",
    "strongly-agree",
];
pub const ARCHITECTURE: &[&str] = &[
    "alpha", "arm", "ia-64", "mips", "powerpc", "sparc", "x86", "x86-64",
];
pub const REGION: &[&str] = &[
    "africa",
    "eastern-africa",
    "americas",
    "caribbean",
    "northern-america",
    "asia",
    "south-eastern-asia",
    "europe",
    "western-europe",
    "oceania",
    "antarctica",
    "polynesia",
];
pub const REPORT_TYPE: &[&str] = &[
    "attack-pattern",
    "campaign",
    "identity",
    "indicator",
    "intrusion-set",
    "malware",
    "observed-data",
    "threat-actor",
    "threat-report",
    "tool",
    "vulnerability",
];
pub const THREAT_ACTOR_TYPE: &[&str] = &[
    "activist",
    "competitor",
    "crime-syndicate",
    "criminal",
    "hacker",
    "nation-state",
    "spy",
    "unknown",
];
pub const THREAT_ACTOR_ROLE: &[&str] = &[
    "agent",
    "director",
    "independent",
    "malware-author",
    "sponsor",
];
pub const SOPHISTICATION: &[&str] = &[
    "none",
    "minimal",
    "intermediate",
    "advanced",
    "expert",
    "innovator",
    "strategic",
];
pub const TOOL_TYPE: &[&str] = &[
    "denial-of-service",
    "exploitation",
    "information-gathering",
    "network-capture",
    "credential-exploitation",
    "remote-access",
    "vulnerability-scanning",
    "unknown",
];
