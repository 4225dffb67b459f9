package io.fastgpu.provider.aliyun.wire;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One pay-as-you-go instance to buy with RunInstances, with a public address and an ESSD system disk.
 *
 * @param dataDiskGb     an extra ESSD data disk released with the instance, 0 for none
 * @param spotPriceLimit for a spot instance, the most to pay per hour; empty to pay the market price
 * @param tags           labels, in order
 * @param ramRoleName    the instance RAM role to launch it with (its code may then call the API as that role), or empty
 */
public record RunSpec(String name, String zone, String instanceType, String imageId, String securityGroupId, String vSwitchId,
                      String keyPairName, int systemDiskGb, int dataDiskGb, boolean spot, String spotPriceLimit,
                      Map<String, String> tags, String ramRoleName) {
    public RunSpec {
        ramRoleName = ramRoleName == null ? "" : ramRoleName.strip();
        spotPriceLimit = spotPriceLimit == null ? "" : spotPriceLimit.strip();
        tags = new LinkedHashMap<>(tags);
    }
}
