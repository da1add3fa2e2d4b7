//! The open vocabularies (`-ov`: other values are warnings) and closed
//! enumerations (`-enum`: other values are errors) of STIX 2.1 §10, with the
//! TLP 2.0 and errata additions. Warning codes follow the reference validator's
//! names so that suppression lists carry over.

use super::types::Vocab;

/// `account-type-ov`.
pub(crate) static ACCOUNT_TYPE: Vocab = Vocab {
    name: "account-type-ov",
    values: &[
        "facebook",
        "ldap",
        "nis",
        "openid",
        "radius",
        "skype",
        "tacacs",
        "twitter",
        "unix",
        "windows-local",
        "windows-domain",
    ],
    code: "account-type",
};

/// `attack-motivation-ov`.
pub(crate) static ATTACK_MOTIVATION: Vocab = Vocab {
    name: "attack-motivation-ov",
    values: &[
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
    ],
    code: "attack-motivation",
};

/// `attack-resource-level-ov`.
pub(crate) static ATTACK_RESOURCE_LEVEL: Vocab = Vocab {
    name: "attack-resource-level-ov",
    values: &[
        "individual",
        "club",
        "contest",
        "team",
        "organization",
        "government",
    ],
    code: "attack-resource-level",
};

/// `encryption-algorithm-enum`.
pub(crate) static ENCRYPTION_ALGORITHM: Vocab = Vocab {
    name: "encryption-algorithm-enum",
    values: &["AES-256-GCM", "ChaCha20-Poly1305", "mime-type-indicated"],
    code: "enum-value",
};

/// `extension-type-enum`.
pub(crate) static EXTENSION_TYPE: Vocab = Vocab {
    name: "extension-type-enum",
    values: &[
        "new-sdo",
        "new-sco",
        "new-sro",
        "property-extension",
        "toplevel-property-extension",
    ],
    code: "enum-value",
};

/// `grouping-context-ov`.
pub(crate) static GROUPING_CONTEXT: Vocab = Vocab {
    name: "grouping-context-ov",
    values: &["suspicious-activity", "malware-analysis", "unspecified"],
    code: "grouping-context",
};

/// `hash-algorithm-ov`.
pub(crate) static HASH_ALGORITHM: Vocab = Vocab {
    name: "hash-algorithm-ov",
    values: &[
        "MD5", "SHA-1", "SHA-256", "SHA-512", "SHA3-256", "SHA3-512", "SSDEEP", "TLSH",
    ],
    code: "hash-algo",
};

/// `identity-class-ov`.
pub(crate) static IDENTITY_CLASS: Vocab = Vocab {
    name: "identity-class-ov",
    values: &[
        "individual",
        "group",
        "system",
        "organization",
        "class",
        "unknown",
    ],
    code: "identity-class",
};

/// `implementation-language-ov`.
pub(crate) static IMPLEMENTATION_LANGUAGE: Vocab = Vocab {
    name: "implementation-language-ov",
    values: &[
        "applescript",
        "bash",
        "c",
        "c++",
        "c#",
        "go",
        "java",
        "javascript",
        "lua",
        "objective-c",
        "perl",
        "php",
        "powershell",
        "python",
        "ruby",
        "rust",
        "scala",
        "swift",
        "typescript",
        "visual-basic",
        "x86-32",
        "x86-64",
    ],
    code: "implementation-languages",
};

/// `indicator-type-ov`.
pub(crate) static INDICATOR_TYPE: Vocab = Vocab {
    name: "indicator-type-ov",
    values: &[
        "anomalous-activity",
        "anonymization",
        "benign",
        "compromised",
        "malicious-activity",
        "attribution",
        "unknown",
    ],
    code: "indicator-types",
};

/// `industry-sector-ov`.
pub(crate) static INDUSTRY_SECTOR: Vocab = Vocab {
    name: "industry-sector-ov",
    values: &[
        "agriculture",
        "aerospace",
        "automotive",
        "chemical",
        "commercial",
        "communications",
        "construction",
        "defense",
        "education",
        "energy",
        "entertainment",
        "financial-services",
        "government",
        "emergency-services",
        "government-local",
        "government-national",
        "government-public-services",
        "government-regional",
        "healthcare",
        "hospitality-leisure",
        "infrastructure",
        "dams",
        "nuclear",
        "water",
        "insurance",
        "legal",
        "manufacturing",
        "mining",
        "non-profit",
        "pharmaceuticals",
        "retail",
        "technology",
        "telecommunications",
        "transportation",
        "utilities",
    ],
    code: "industry-sector",
};

/// `infrastructure-type-ov`.
pub(crate) static INFRASTRUCTURE_TYPE: Vocab = Vocab {
    name: "infrastructure-type-ov",
    values: &[
        "amplification",
        "anonymization",
        "botnet",
        "command-and-control",
        "control-system",
        "exfiltration",
        "firewall",
        "hosting-malware",
        "hosting-target-lists",
        "phishing",
        "reconnaissance",
        "routers-switches",
        "staging",
        "workstation",
        "unknown",
    ],
    code: "infrastructure-types",
};

/// `malware-capabilities-ov`.
pub(crate) static MALWARE_CAPABILITIES: Vocab = Vocab {
    name: "malware-capabilities-ov",
    values: &[
        "accesses-remote-machines",
        "anti-debugging",
        "anti-disassembly",
        "anti-emulation",
        "anti-memory-forensics",
        "anti-sandbox",
        "anti-vm",
        "captures-input-peripherals",
        "captures-output-peripherals",
        "captures-system-state-data",
        "cleans-traces-of-infection",
        "commits-fraud",
        "communicates-with-c2",
        "compromises-data-availability",
        "compromises-data-integrity",
        "compromises-system-availability",
        "controls-local-machine",
        "degrades-security-software",
        "degrades-system-updates",
        "determines-c2-server",
        "emails-spam",
        "escalates-privileges",
        "evades-av",
        "exfiltrates-data",
        "fingerprints-host",
        "hides-artifacts",
        "hides-executing-code",
        "infects-files",
        "infects-remote-machines",
        "installs-other-components",
        "persists-after-system-reboot",
        "prevents-artifact-access",
        "prevents-artifact-deletion",
        "probes-network-environment",
        "self-modifies",
        "steals-authentication-credentials",
        "violates-system-operational-integrity",
    ],
    code: "malware-capabilities",
};

/// `malware-result-ov`.
pub(crate) static MALWARE_RESULT: Vocab = Vocab {
    name: "malware-result-ov",
    values: &["malicious", "suspicious", "benign", "unknown"],
    code: "malware-result",
};

/// `malware-type-ov`.
pub(crate) static MALWARE_TYPE: Vocab = Vocab {
    name: "malware-type-ov",
    values: &[
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
        "resource-exploitation",
        "rogue-security-software",
        "rootkit",
        "screen-capture",
        "spyware",
        "trojan",
        "unknown",
        "virus",
        "webshell",
        "wiper",
        "worm",
    ],
    code: "malware-types",
};

/// `network-socket-address-family-enum`.
pub(crate) static NETWORK_SOCKET_ADDRESS_FAMILY: Vocab = Vocab {
    name: "network-socket-address-family-enum",
    values: &[
        "AF_UNSPEC",
        "AF_INET",
        "AF_IPX",
        "AF_APPLETALK",
        "AF_NETBIOS",
        "AF_INET6",
        "AF_IRDA",
        "AF_BTH",
    ],
    code: "enum-value",
};

/// `network-socket-type-enum`.
pub(crate) static NETWORK_SOCKET_TYPE: Vocab = Vocab {
    name: "network-socket-type-enum",
    values: &[
        "SOCK_STREAM",
        "SOCK_DGRAM",
        "SOCK_RAW",
        "SOCK_RDM",
        "SOCK_SEQPACKET",
    ],
    code: "enum-value",
};

/// `opinion-enum`.
pub(crate) static OPINION: Vocab = Vocab {
    name: "opinion-enum",
    values: &[
        "strongly-disagree",
        "disagree",
        "neutral",
        "agree",
        "strongly-agree",
    ],
    code: "enum-value",
};

/// `pattern-type-ov`.
pub(crate) static PATTERN_TYPE: Vocab = Vocab {
    name: "pattern-type-ov",
    values: &["stix", "pcre", "sigma", "snort", "suricata", "yara"],
    code: "indicator-pattern-types",
};

/// `processor-architecture-ov`.
pub(crate) static PROCESSOR_ARCHITECTURE: Vocab = Vocab {
    name: "processor-architecture-ov",
    values: &[
        "alpha", "arm", "ia-64", "mips", "powerpc", "sparc", "x86", "x86-64",
    ],
    code: "processor-architecture",
};

/// `region-ov`.
pub(crate) static REGION: Vocab = Vocab {
    name: "region-ov",
    values: &[
        "africa",
        "eastern-africa",
        "middle-africa",
        "northern-africa",
        "southern-africa",
        "western-africa",
        "americas",
        "caribbean",
        "central-america",
        "latin-america-caribbean",
        "northern-america",
        "south-america",
        "asia",
        "central-asia",
        "eastern-asia",
        "southern-asia",
        "south-eastern-asia",
        "western-asia",
        "europe",
        "eastern-europe",
        "northern-europe",
        "southern-europe",
        "western-europe",
        "oceania",
        "antarctica",
        "australia-new-zealand",
        "melanesia",
        "micronesia",
        "polynesia",
    ],
    code: "region",
};

/// `report-type-ov`.
pub(crate) static REPORT_TYPE: Vocab = Vocab {
    name: "report-type-ov",
    values: &[
        "attack-pattern",
        "campaign",
        "identity",
        "incident",
        "indicator",
        "intrusion-set",
        "malware",
        "observed-data",
        "threat-actor",
        "threat-report",
        "tool",
        "vulnerability",
    ],
    code: "report-types",
};

/// `threat-actor-type-ov`.
pub(crate) static THREAT_ACTOR_TYPE: Vocab = Vocab {
    name: "threat-actor-type-ov",
    values: &[
        "activist",
        "competitor",
        "crime-syndicate",
        "criminal",
        "hacker",
        "insider-accidental",
        "insider-disgruntled",
        "nation-state",
        "private-sector",
        "sensationalist",
        "spy",
        "terrorist",
        "unknown",
    ],
    code: "threat-actor-types",
};

/// `threat-actor-role-ov`.
pub(crate) static THREAT_ACTOR_ROLE: Vocab = Vocab {
    name: "threat-actor-role-ov",
    values: &[
        "agent",
        "director",
        "independent",
        "infrastructure-architect",
        "infrastructure-operator",
        "malware-author",
        "sponsor",
    ],
    code: "threat-actor-role",
};

/// `threat-actor-sophistication-ov`.
pub(crate) static THREAT_ACTOR_SOPHISTICATION: Vocab = Vocab {
    name: "threat-actor-sophistication-ov",
    values: &[
        "none",
        "minimal",
        "intermediate",
        "advanced",
        "expert",
        "innovator",
        "strategic",
    ],
    code: "threat-actor-sophistication",
};

/// `tool-type-ov`.
pub(crate) static TOOL_TYPE: Vocab = Vocab {
    name: "tool-type-ov",
    values: &[
        "denial-of-service",
        "exploitation",
        "information-gathering",
        "network-capture",
        "credential-exploitation",
        "remote-access",
        "vulnerability-scanning",
        "unknown",
    ],
    code: "tool-types",
};

/// `windows-integrity-level-enum`.
pub(crate) static WINDOWS_INTEGRITY_LEVEL: Vocab = Vocab {
    name: "windows-integrity-level-enum",
    values: &["low", "medium", "high", "system"],
    code: "enum-value",
};

/// `windows-pebinary-type-ov`.
pub(crate) static WINDOWS_PEBINARY_TYPE: Vocab = Vocab {
    name: "windows-pebinary-type-ov",
    values: &["dll", "exe", "sys"],
    code: "windows-pebinary-type",
};

/// `windows-registry-datatype-enum`.
pub(crate) static WINDOWS_REGISTRY_DATATYPE: Vocab = Vocab {
    name: "windows-registry-datatype-enum",
    values: &[
        "REG_NONE",
        "REG_SZ",
        "REG_EXPAND_SZ",
        "REG_BINARY",
        "REG_DWORD",
        "REG_DWORD_BIG_ENDIAN",
        "REG_DWORD_LITTLE_ENDIAN",
        "REG_LINK",
        "REG_MULTI_SZ",
        "REG_RESOURCE_LIST",
        "REG_FULL_RESOURCE_DESCRIPTION",
        "REG_RESOURCE_REQUIREMENTS_LIST",
        "REG_QWORD",
        "REG_INVALID_TYPE",
    ],
    code: "enum-value",
};

/// `windows-service-start-type-enum`.
pub(crate) static WINDOWS_SERVICE_START_TYPE: Vocab = Vocab {
    name: "windows-service-start-type-enum",
    values: &[
        "SERVICE_AUTO_START",
        "SERVICE_BOOT_START",
        "SERVICE_DEMAND_START",
        "SERVICE_DISABLED",
        "SERVICE_SYSTEM_ALERT",
    ],
    code: "enum-value",
};

/// `windows-service-type-enum`.
pub(crate) static WINDOWS_SERVICE_TYPE: Vocab = Vocab {
    name: "windows-service-type-enum",
    values: &[
        "SERVICE_KERNEL_DRIVER",
        "SERVICE_FILE_SYSTEM_DRIVER",
        "SERVICE_WIN32_OWN_PROCESS",
        "SERVICE_WIN32_SHARE_PROCESS",
    ],
    code: "enum-value",
};

/// `windows-service-status-enum`.
pub(crate) static WINDOWS_SERVICE_STATUS: Vocab = Vocab {
    name: "windows-service-status-enum",
    values: &[
        "SERVICE_CONTINUE_PENDING",
        "SERVICE_PAUSE_PENDING",
        "SERVICE_PAUSED",
        "SERVICE_RUNNING",
        "SERVICE_START_PENDING",
        "SERVICE_STOP_PENDING",
        "SERVICE_STOPPED",
    ],
    code: "enum-value",
};

/// `marking-definition-type-ov`.
pub(crate) static MARKING_DEFINITION_TYPE: Vocab = Vocab {
    name: "marking-definition-type-ov",
    values: &["statement", "tlp"],
    code: "marking-definition-type",
};
