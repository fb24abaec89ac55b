//! Tencent Cloud regions with their console ids (`?rid=`), shared by the UI and the
//! emulator. Source: the project's API reference (region table, SCF column).

/// A region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    /// API name, e.g. `ap-beijing`.
    pub id: &'static str,
    /// The console's numeric id, as in `?rid=8`.
    pub rid: u32,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    /// Whether SCF runs there.
    pub scf: bool,
}

const fn r(
    id: &'static str,
    rid: u32,
    name_zh: &'static str,
    name_en: &'static str,
    scf: bool,
) -> Region {
    Region {
        id,
        rid,
        name_zh,
        name_en,
        scf,
    }
}

/// Every region the console knows, in console order.
pub const REGIONS: &[Region] = &[
    r(
        "ap-guangzhou",
        1,
        "华南地区(广州)",
        "South China (Guangzhou)",
        true,
    ),
    r(
        "ap-shanghai",
        4,
        "华东地区(上海)",
        "East China (Shanghai)",
        true,
    ),
    r(
        "ap-hongkong",
        5,
        "港澳台地区(中国香港)",
        "Hong Kong/Macao/Taiwan (Hong Kong, China)",
        true,
    ),
    r(
        "na-toronto",
        6,
        "北美地区(多伦多)",
        "North America (Toronto)",
        true,
    ),
    r(
        "ap-shanghai-fsi",
        7,
        "华东地区(上海金融)",
        "East China (Shanghai Finance)",
        true,
    ),
    r(
        "ap-beijing",
        8,
        "华北地区(北京)",
        "North China (Beijing)",
        true,
    ),
    r(
        "ap-singapore",
        9,
        "亚太东南(新加坡)",
        "Southeast Asia (Singapore)",
        true,
    ),
    r(
        "ap-shenzhen-fsi",
        11,
        "华南地区(深圳金融)",
        "South China (Shenzhen Finance)",
        true,
    ),
    r(
        "na-siliconvalley",
        15,
        "美国西部(硅谷)",
        "US West (Silicon Valley)",
        true,
    ),
    r(
        "ap-chengdu",
        16,
        "西南地区(成都)",
        "Southwest China (Chengdu)",
        true,
    ),
    r(
        "eu-frankfurt",
        17,
        "欧洲地区(法兰克福)",
        "Europe (Frankfurt)",
        true,
    ),
    r(
        "ap-seoul",
        18,
        "亚太东北(首尔)",
        "Northeast Asia (Seoul)",
        true,
    ),
    r(
        "ap-chongqing",
        19,
        "西南地区(重庆)",
        "Southwest China (Chongqing)",
        true,
    ),
    r(
        "ap-mumbai",
        21,
        "亚太南部(孟买)",
        "South Asia (Mumbai)",
        true,
    ),
    r(
        "na-ashburn",
        22,
        "美国东部(弗吉尼亚)",
        "US East (Virginia)",
        true,
    ),
    r(
        "ap-bangkok",
        23,
        "亚太东南(曼谷)",
        "Southeast Asia (Bangkok)",
        true,
    ),
    r(
        "ap-tokyo",
        25,
        "亚太东北(东京)",
        "Northeast Asia (Tokyo)",
        true,
    ),
    r(
        "ap-nanjing",
        33,
        "华东地区(南京)",
        "East China (Nanjing)",
        false,
    ),
    r(
        "ap-jakarta",
        72,
        "亚太东南(雅加达)",
        "Southeast Asia (Jakarta)",
        false,
    ),
    r(
        "sa-saopaulo",
        74,
        "南美地区(圣保罗)",
        "South America (São Paulo)",
        true,
    ),
];

/// The region with API name `id`.
pub fn by_id(id: &str) -> Option<&'static Region> {
    REGIONS.iter().find(|r| r.id == id)
}

/// The region with console id `rid`.
pub fn by_rid(rid: u32) -> Option<&'static Region> {
    REGIONS.iter().find(|r| r.rid == rid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beijing_is_rid_8_and_ids_are_unique() {
        assert_eq!(by_rid(8).map(|r| r.id), Some("ap-beijing"));
        assert_eq!(by_id("ap-guangzhou").map(|r| r.rid), Some(1));
        let mut rids: Vec<u32> = REGIONS.iter().map(|r| r.rid).collect();
        rids.sort_unstable();
        rids.dedup();
        assert_eq!(rids.len(), REGIONS.len());
    }
}
